/** A record as far as grader roles go: the role of the key that submitted it, if that key grades as one. */
type Graded = { graderRole?: string };

/** Whether a record counts under a rule's `graderRoles` (always without them): unauthorisedGrader's test alone. */
export function authorisedGrader(graderRoles: readonly string[] | undefined, record: Graded): boolean {
  return graderRoles === undefined || (record.graderRole !== undefined && graderRoles.includes(record.graderRole));
}

/**
 * Why a record does not count under a rule's `graderRoles` (`on` names the record, `verb` says what the grader
 * did: "graded", "recorded"), or undefined when it counts: always without `graderRoles`, else only when it
 * came from a key that grades as one of those roles.
 */
export function unauthorisedGrader(
  graderRoles: readonly string[] | undefined,
  record: Graded,
  on: string,
  verb: string,
): string | undefined {
  if (authorisedGrader(graderRoles, record)) {
    return undefined;
  }
  return `${on} ${verb} by a ${record.graderRole ?? "grader of unknown role"}, not an authorised grader`;
}

/** " recorded by a ps-engineer or trainer", for missing sentences ("" without `graderRoles`). */
export function graderWords(graderRoles: readonly string[] | undefined, verb: string): string {
  return graderRoles === undefined ? "" : ` ${verb} by a ${graderRoles.join(" or ")}`;
}
