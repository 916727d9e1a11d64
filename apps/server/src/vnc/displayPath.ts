/**
 * `WS /api/domains/:name/display?ticket=…` (and `/api/hosts/:id/domains/:name/display`): the
 * guest's VNC display, for noVNC (displaySocket.ts). Groups: the host id, if any; the name.
 */
export const DISPLAY_PATH = /^\/api\/(?:hosts\/([a-z0-9-]+)\/)?domains\/([^/]+)\/display$/;
