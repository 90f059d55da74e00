/**
 * The console bench's probes inside the page, installed before the console's own code: when each
 * alarm's WebSocket frame arrived, when its card was on screen, and how long each key press took to
 * the next frame. Read back as `window.hk`.
 */
/** Runs in the page before the console's own code: timestamps frames, cards and key presses. */
function instrument(): void {
  const w = window as unknown as { hk: { frame: Record<number, number>; card: Record<number, number>; keys: number[] } };
  w.hk = { frame: {}, card: {}, keys: [] };
  const now = () => performance.timeOrigin + performance.now();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // registered before the console sets onmessage, so it runs first: the arrival, not the handling
      this.addEventListener("message", (m) => {
        const text = String(m.data);
        if (!text.includes('"alert.created"')) return;
        const f = JSON.parse(text) as { type: string; alert?: { id: number } };
        if (f.type === "alert.created" && f.alert && !(f.alert.id in w.hk.frame)) w.hk.frame[f.alert.id] = now();
      });
    }
  };
  let fresh: number[] = [];
  new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach((n) => {
      const id = n instanceof HTMLElement && n.classList.contains("card") ? Number(n.dataset.alertId) : NaN;
      if (id && !(id in w.hk.card)) fresh.push(id);
    });
    if (!fresh.length) return;
    const ids = fresh;
    fresh = [];
    // on screen: the next frame after the card entered the page
    requestAnimationFrame(() => {
      const t = now();
      for (const id of ids) w.hk.card[id] ??= t;
    });
  }).observe(document, { childList: true, subtree: true });
  addEventListener("keydown", (e) => {
    const t0 = e.timeStamp;
    requestAnimationFrame(() => setTimeout(() => w.hk.keys.push(performance.now() - t0), 0));
  }, true);
}

/** The probes as source text: tsx names functions with a helper (__name) that the page does not have. */
export function instrumentScript(): string {
  return `var __name = (f) => f; (${instrument.toString()})();`;
}
