/** The one API client every feature calls: typed from the OpenAPI, authenticated by the session. */
import createClient from "openapi-fetch";

import { SessionStore } from "@/lib/session";

import { ApiProblem, asProblem } from "./problem";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const origin = globalThis.location?.origin ?? "";

export const session = new SessionStore(origin);

export const api = createClient<paths>({ baseUrl: origin, fetch: session.fetch });

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiProblem (status 0 when the server cannot be reached). */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch (error) {
    if (error instanceof ApiProblem) throw error;
    throw new ApiProblem(0, {
      code: "network",
      detail: "the server cannot be reached: check the connection and try again",
    });
  }
  if (!answer.response.ok) throw asProblem(answer.response.status, answer.error);
  return answer.data as T;
}
