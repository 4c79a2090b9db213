import { afterAll } from "vitest";
import { closeLeftoverStores } from "./database.js";

// The pg project's setup file: after each test file, the databases its tests left open are closed and dropped.
afterAll(() => closeLeftoverStores());
