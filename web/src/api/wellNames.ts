import { useQuery } from "@tanstack/react-query";

import { api, call, type Schemas } from "./client";

/** Well names by id, for pages that list other things per well (alerts, conflicts, rankings). */
export function useWellNames() {
  return useQuery({
    queryKey: ["wells", "names"],
    queryFn: async () => {
      const names = new Map<string, string>();
      let offset: number | null = 0;
      while (offset !== null) {
        const page: Schemas["PageOut_WellOut_"] = await call(api.GET("/api/v1/wells", { params: { query: { limit: 500, offset } } }));
        for (const well of page.items) names.set(well.id, well.name);
        offset = page.next_offset ?? null;
      }
      return names;
    },
    staleTime: 60_000,
  });
}
