/** Files the API answers (CSV, XLSX, the Form PR text): fetched with the session's token, saved by the browser. */
import { session } from "./client";
import { asProblem } from "./problem";

/** The file name of a Content-Disposition header, else `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "");
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

/** Download `path` (with its query) as a file; a refusal throws the API's problem. */
export async function downloadFile(path: string, query: Record<string, string | undefined>, fallback: string): Promise<string> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  const response = await session.fetch(new Request(`${location.origin}${path}${text ? `?${text}` : ""}`));
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw asProblem(response.status, body);
  }
  const name = fileNameOf(response.headers.get("Content-Disposition"), fallback);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
