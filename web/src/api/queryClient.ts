import { QueryClient } from "@tanstack/react-query";

import { ApiProblem } from "./problem";

/** Server state lives here. Client errors (4xx) are not retried; outages are, twice. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (count, error) =>
          count < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}
