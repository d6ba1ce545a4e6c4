// The JSON API, with the session cookie; writes carry the CSRF token.
import { settings } from "./page.js";

const headers = { "Content-Type": "application/json", "X-CSRFToken": settings.csrf };

export function get(url) {
  return fetch(url, { credentials: "same-origin" });
}

// With `version` (a threat's `updated`), the server refuses the write (409) if the thing
// changed since the page learnt it: a commander never undoes a change they have not seen.
export function send(method, url, body, version) {
  const sent = version ? { ...headers, "If-Match": `"${version}"` } : headers;
  return fetch(url, { method, headers: sent, body: JSON.stringify(body), credentials: "same-origin" });
}

// The API's own message for a refused request, else its HTTP status.
export async function refusal(response) {
  try {
    return (await response.json()).error.message;
  } catch (e) {
    return `HTTP ${response.status}`; // not JSON
  }
}
