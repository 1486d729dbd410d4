import { makeQueryClient } from "@/api/queryClient";

/** The app's one query cache (route loaders prefetch into it). */
export const queryClient = makeQueryClient();
