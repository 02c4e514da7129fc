import type { GraphiQLOptions } from 'graphql-yoga';
import { GRAPHIQL_ASSET_BASE } from './graphiql-assets.ts';

/** A small palette mark, inline: yoga's default favicon is fetched from GitHub. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f2937"/><circle cx="11" cy="12" r="4" fill="#f59e0b"/><circle cx="21" cy="11" r="4" fill="#10b981"/><circle cx="16" cy="21" r="4" fill="#6366f1"/></svg>')}`;

/** JSON that is safe inside an inline <script>: no `</script>`, no HTML comment openers, no JS line terminators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/**
 * Yoga's GraphiQL page with every asset served by this API (see src/http/graphiql-assets.ts) instead
 * of a CDN. Same bootstrap as yoga's: Monaco's workers by label, then `renderYogaGraphiQL`.
 */
export function renderGraphiqlPage(options: GraphiQLOptions): string {
  // Yoga's GraphiQL puts its own welcome text into the active tab unless `query` is set (a prop
  // its types do not list): the first default tab's query keeps that tab what we made it.
  const settings = { ...options, query: options.defaultTabs?.[0]?.query ?? options.defaultQuery };
  const title = escapeHtml(options.title ?? 'GraphiQL');
  const base = GRAPHIQL_ASSET_BASE;
  const workers = {
    editorWorkerService: `${base}monacoeditorwork/editor.worker.bundle.js`,
    json: `${base}monacoeditorwork/json.worker.bundle.js`,
    graphql: `${base}monacoeditorwork/graphql.worker..bundle.js`,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="${escapeHtml(options.favicon ?? FAVICON)}">
<link rel="stylesheet" href="${base}graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script>
const workers = ${scriptJson(workers)};
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };
</script>
<script src="${base}yoga-graphiql.umd.js"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson(settings)});</script>
</body>
</html>
`;
}
