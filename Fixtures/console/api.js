// The emulator's own API, called as an SDK would: Bearer token from the workspace switcher;
// the control plane with X-Emulator-Admin-Token when one is set.

export const V1 = "/v1/observability";
const TOKEN_KEY = "obs-console.token";
const ADMIN_KEY = "obs-console.admin-token";
const RECENT_KEY = "obs-console.recent-tokens";

function stored(key, fallback) {
  try { return localStorage.getItem(key) ?? fallback; } catch { return fallback; }
}
function store(key, value) {
  try { value ? localStorage.setItem(key, value) : localStorage.removeItem(key); } catch { /* private mode */ }
}

export const session = {
  token: stored(TOKEN_KEY, "test"),
  adminToken: stored(ADMIN_KEY, ""),
  /** The workspace id the token stands for, learnt from the first row that carries one. */
  workspaceID: null,
  recent() {
    try { return JSON.parse(stored(RECENT_KEY, "[]")).filter((t) => typeof t === "string"); } catch { return []; }
  },
  use(token, adminToken) {
    this.token = token.trim();
    this.adminToken = (adminToken || "").trim();
    this.workspaceID = null;
    store(TOKEN_KEY, this.token);
    store(ADMIN_KEY, this.adminToken);
    const recent = [this.token, ...this.recent().filter((t) => t !== this.token)].slice(0, 8);
    store(RECENT_KEY, JSON.stringify(recent));
    availability.clear();
    servedPaths = null;
  },
};

/** A non-2xx answer: status, the body's error_code and message (the API's error shape). */
export class APIError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** Calls the API; resolves to the parsed JSON (null for 204), rejects with an APIError. */
export async function api(method, path, { body, query, control = false, token = null } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value === null || value === undefined || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  const headers = { Accept: "application/json" };
  const bearer = token || session.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (control && session.adminToken) headers["X-Emulator-Admin-Token"] = session.adminToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch (error) {
    throw new APIError(0, null, `the emulator did not answer (${error.message}); is it still running?`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!response.ok) {
    const detail = data && data.detail;
    const message = detail && typeof detail === "object" && !Array.isArray(detail) ? detail.message
      : Array.isArray(detail) ? detail.map((d) => d.msg || JSON.stringify(d)).join("; ")
      : typeof data === "string" ? data : `HTTP ${response.status}`;
    throw new APIError(response.status, detail && detail.error_code || null, message || `HTTP ${response.status}`, data);
  }
  if (!token) learnWorkspace(data);
  return data;
}

export const control = (method, path, options = {}) => api(method, path, { ...options, control: true });

function learnWorkspace(data) {
  if (session.workspaceID || !data || typeof data !== "object") return;
  const first = Object.values(data).find((v) => v && Array.isArray(v.results) && v.results.length);
  const id = first && first.results[0].workspace_id;
  if (typeof id === "string" && id) {
    session.workspaceID = id;
    document.dispatchEvent(new CustomEvent("workspace-known", { detail: id }));
  }
}

/**
 * Sections whose API other work has not delivered yet are hidden. Which routes the emulator
 * answers is read from the OpenAPI document it serves (GET /__emulator/openapi.yaml, held equal
 * to its route table by RouteTableTests), so finding out costs no failing request; when that
 * document cannot be read, the section's list route is called and a 404 or 405 hides it. Other
 * failures (401, 5xx) do not hide it: the page shows them.
 */
const probes = {
  pipelines: { path: `${V1}/pipelines`, call: () => api("GET", `${V1}/pipelines`, { query: { page_size: 1 } }) },
  evaluations: { path: `${V1}/evaluation-runs_v2/search`, call: () => api("POST", `${V1}/evaluation-runs_v2/search`, { query: { page_size: 1 }, body: {} }) },
};
const availability = new Map();
let servedPaths = null;

/** The paths of the served OpenAPI document, or null when it cannot be read. */
function documentedPaths() {
  if (!servedPaths) {
    servedPaths = (async () => {
      try {
        const headers = session.adminToken ? { "X-Emulator-Admin-Token": session.adminToken } : {};
        const response = await fetch("/__emulator/openapi.yaml", { headers, cache: "no-store" });
        if (!response.ok) return null;
        const text = await response.text();
        return new Set([...text.matchAll(/^ {2}(\/\S*):\s*$/gm)].map((match) => match[1]));
      } catch {
        return null;
      }
    })();
  }
  return servedPaths;
}

export function isAvailable(section) {
  const probe = probes[section];
  if (!probe) return Promise.resolve(true);
  if (!availability.has(section)) {
    availability.set(section, documentedPaths().then((paths) => paths ? paths.has(probe.path)
      : probe.call().then(() => true, (error) => !(error.status === 404 || error.status === 405))));
  }
  return availability.get(section);
}

/** Every page of a cursor feed, up to `limit` rows (a trace's spans). */
export async function allPages(path, key, body, limit = 2000) {
  const rows = [];
  let cursor = null;
  do {
    const data = await api(body === undefined ? "GET" : "POST", path, { query: { page_size: 100, cursor }, body });
    const page = data[key];
    rows.push(...page.results);
    cursor = page.cursor;
  } while (cursor && rows.length < limit);
  return rows;
}
