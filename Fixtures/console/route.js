// The page's state lives in the URL, so a reload or a printed link shows the same thing:
//   #/<section>[/<item>[/<sub-item>]]?token=<token>&<the page's filters>
// e.g. #/traces/<trace_id>/<span_id>?token=ci-run-42 selects that span of that trace.

/** The current route: path parts (decoded) and the query parameters. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const at = hash.indexOf("?");
  const path = at === -1 ? hash : hash.slice(0, at);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { path, parts, params: new URLSearchParams(at === -1 ? "" : hash.slice(at + 1)) };
}

/** "#/a/b?x=1" from parts and parameters (empty values are left out). */
export function hashFor(parts, params) {
  const query = new URLSearchParams();
  for (const [key, value] of params instanceof URLSearchParams ? params : Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const qs = query.toString();
  return `#/${parts.map(encodeURIComponent).join("/")}${qs ? "?" + qs : ""}`;
}

/** The current route with some parameters changed (null removes one). */
export function withParams(changes, parts = currentRoute().parts) {
  const params = currentRoute().params;
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") params.delete(key);
    else params.set(key, value);
  }
  return hashFor(parts, params);
}

/** Goes to a hash; `replace` rewrites the current history entry without rendering again. */
export function go(hash, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", hash);
  else if (location.hash !== hash) location.hash = hash;
  else window.dispatchEvent(new HashChangeEvent("hashchange"));
}
