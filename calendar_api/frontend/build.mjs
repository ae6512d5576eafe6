// Bundles the pages' scripts into the app's static folder: the calendar's (FullCalendar and
// our code) and the Developer page's copy buttons.
// `make install` runs it after `npm ci`; the output is not committed.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "static", "calendar_api", "build");
const bundles = [
  ["main.js", "calendar.js"],
  ["copy.js", "copy.js"],
];

for (const [source, target] of bundles) {
  await build({
    entryPoints: [path.join(here, "src", source)],
    outfile: path.join(out, target),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "linked",
    logLevel: "warning",
  });
}
