/** The overview's one request (prefetched with the page when the overview is opened). */
export const OVERVIEW_PATH = '/api/overview?days=90';
