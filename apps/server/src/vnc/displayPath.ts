/** `WS /api/domains/:name/display?ticket=…`: the guest's VNC display, for noVNC (displaySocket.ts). */
export const DISPLAY_PATH = /^\/api\/domains\/([^/]+)\/display$/;
