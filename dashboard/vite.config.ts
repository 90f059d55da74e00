/**
 * The dispatcher console and the responder page, built by Vite into dashboard/dist (served by the
 * gateway at `/` and `/r/<token>`). Plain TypeScript and DOM: no framework, so the whole console is a
 * few tens of KB and loads at once on the centre's oldest PC.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  // `pnpm --filter @helpkey/dashboard dev`: the console with hot reload against a gateway on :8080.
  server: { proxy: { "/api": { target: "http://127.0.0.1:8080", ws: true }, "/r/": "http://127.0.0.1:8080" } },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: { input: { index: here("index.html"), responder: here("responder.html") } },
  },
});
