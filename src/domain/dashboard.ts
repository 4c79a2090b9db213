/** How far ahead the console's dashboard looks for expiring credentials. */
export const EXPIRY_HORIZON_DAYS = 60;
