// The JSON API, with the session cookie; writes carry the CSRF token.
import { settings } from "./page.js";

const headers = { "Content-Type": "application/json", "X-CSRFToken": settings.csrf };

export function get(url) {
  return fetch(url, { credentials: "same-origin" });
}

export function send(method, url, body) {
  return fetch(url, { method, headers, body: JSON.stringify(body), credentials: "same-origin" });
}

// The API's own message for a refused request, else its HTTP status.
export async function refusal(response) {
  try {
    return (await response.json()).error.message;
  } catch (e) {
    return `HTTP ${response.status}`; // not JSON
  }
}
