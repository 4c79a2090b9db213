/** How far ahead the console's dashboard looks for expiring credentials. */
export const EXPIRY_HORIZON_DAYS = 60;

/**
 * How long one node shows the dashboard's credential counts before counting again: counting every credential issued
 * this month, expiring or falling due reads as many index entries as there are credentials (tens of milliseconds at
 * 100,000), which no page view should pay. The page says when its figures were counted.
 */
export const DASHBOARD_COUNTS_MAX_AGE_MS = 30_000;
