import type { Context } from "hono";
import type { ConsoleEnv } from "./console-env.js";

/** A submitted console form: text fields (a file where text was expected reads as empty) and repeated fields. */
export type FormInput = { text: (name: string) => string; list: (name: string) => string[] };

export async function readForm(c: Context<ConsoleEnv>): Promise<FormInput> {
  const body = await c.req.parseBody({ all: true });
  const values = (name: string): unknown[] => {
    const value = Object.hasOwn(body, name) ? body[name] : undefined;
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  return {
    text: (name) => {
      const first = values(name)[0];
      return typeof first === "string" ? first : "";
    },
    list: (name) => values(name).filter((v): v is string => typeof v === "string"),
  };
}
