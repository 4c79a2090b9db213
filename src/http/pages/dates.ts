export { humanDay, humanDayTime, parseInstant } from "../../domain/human-date.js";
