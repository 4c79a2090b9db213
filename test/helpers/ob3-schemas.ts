import { readFileSync } from "node:fs";
import { Ajv2019 } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";

const SCHEMAS = "../shared/schemas/ob3";
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => void;

function compile(file: string) {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(`${SCHEMAS}/${file}`, "utf8")));
}

/** The two official OB 3.0 AchievementCredential schemas (current and the 2024-09 formal variant). */
export const ob3Validators = {
  current: compile("ob_v3p0_achievementcredential_schema.json"),
  formal: compile("formal-2024-09/ob_v3p0_achievementcredential_schema.json"),
  profile: compile("ob_v3p0_profile_schema.json"),
};
