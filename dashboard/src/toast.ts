/** One line of feedback at the top of the screen: results of actions and conflicts (`#toast`, role=alert). */
let timer: ReturnType<typeof setTimeout> | null = null;

export function toast(message: string, kind: "ok" | "warn" | "error" = "ok"): void {
  let el = document.getElementById("toast");
  if (!el) {
    el = document.createElement("div");
    el.id = "toast";
    el.setAttribute("role", "alert");
    document.body.append(el);
  }
  el.textContent = message;
  el.className = `toast ${kind} show`;
  el.dataset.kind = kind;
  if (timer) clearTimeout(timer);
  // Conflicts and errors stay longer: the dispatcher must read who took the alert.
  timer = setTimeout(() => el!.classList.remove("show"), kind === "ok" ? 3000 : 8000);
}
