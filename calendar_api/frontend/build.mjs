// Bundles the page's script (FullCalendar and our code) into the app's static folder.
// `make install` runs it after `npm ci`; the output is not committed.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [path.join(here, "src", "main.js")],
  outfile: path.join(here, "..", "static", "calendar_api", "build", "calendar.js"),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  logLevel: "warning",
});
