// Builds the site's front-end assets into static/dist/ (git-ignored):
//   ts/main.ts           -> app.js     (htmx + our modules, one ES module, minified)
//   static/css/main.css  -> app.css    (the public site: tokens, base and the public
//                                       components inlined via @import, minified)
//   static/css/admin.css -> admin.css  (the admin panel: the same tokens and base, the shared
//                                       components it uses, and static/css/admin/*)
//   static/icons/*       -> copied as they are (favicon.svg)
// Two stylesheets so that public visitors never download the admin panel's CSS: base.html
// links app.css, admin/layout.html links admin.css (src/assets.rs has both URLs).
// `node ts/build.mjs` builds once; `--watch` rebuilds on change (used by `make run`).
import * as esbuild from "esbuild";
import { cp, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "static", "dist");
const iconsDir = path.join(root, "static", "icons");
const watch = process.argv.includes("--watch");

/** @type {import("esbuild").BuildOptions} */
const shared = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  logLevel: "info",
  // Keep /*! license */ comments of bundled packages at the end of each file.
  legalComments: "eof",
};

/** @type {import("esbuild").BuildOptions} */
const js = {
  ...shared,
  entryPoints: ["ts/main.ts"],
  outfile: "static/dist/app.js",
  format: "esm",
  target: "es2022",
};

/** @type {import("esbuild").BuildOptions} */
const cssShared = {
  ...shared,
  // Browsers from 2023 on: native nesting, :has(), color-scheme; nothing to lower.
  target: ["chrome120", "edge120", "firefox121", "safari17"],
};

/** @type {import("esbuild").BuildOptions} */
const css = {
  ...cssShared,
  entryPoints: ["static/css/main.css"],
  outfile: "static/dist/app.css",
};

/** @type {import("esbuild").BuildOptions} */
const adminCss = {
  ...cssShared,
  entryPoints: ["static/css/admin.css"],
  outfile: "static/dist/admin.css",
};

async function copyIcons() {
  for (const name of await readdir(iconsDir)) {
    await cp(path.join(iconsDir, name), path.join(outdir, name));
  }
}

await mkdir(outdir, { recursive: true });
await copyIcons();

const bundles = [js, css, adminCss];

if (watch) {
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log("watching ts/ and static/css/ for changes (icons are copied at start)");
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
}
