/**
 * One icon per kind of alarm, drawn as inline SVG so it shows on any PC (no emoji or icon font
 * needed) and takes the card's colour. The technical lane has its own for device trouble.
 */
import type { AlarmKind } from "@helpkey/shared";

const paths: Record<AlarmKind | "technical", string> = {
  fire: "M12 2c.8 3.6 5 6.2 5 11.2a5 5 0 0 1-10 0c0-2.7 1.6-4 2-6.4 1.2 1 2 2.3 2 4 1.4-2 1.6-5.1 1-8.8z",
  medical: "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
  emergency: "M12 2 1 21h22L12 2zm-1 7h2v6h-2zm0 8h2v2h-2z",
  intrusion: "M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3zm-1 6h2v6h-2zm0 8h2v2h-2z",
  service: "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1l-2-2z",
  technical: "M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7 7 0 0 0-1.7-1L15 3h-4l-.4 2.9a7 7 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7 7 0 0 0 1.7 1L11 21h4l.4-2.9a7 7 0 0 0 1.7-1l2.5 1 2-3.5L19.4 13zM13 15a3 3 0 1 1 0-6 3 3 0 0 1 0 6z",
};

export function kindIcon(kind: AlarmKind | "technical"): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `kind-icon icon-${kind}`);
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", paths[kind]);
  path.setAttribute("fill", "currentColor");
  path.setAttribute("fill-rule", "evenodd");
  svg.append(path);
  return svg;
}
