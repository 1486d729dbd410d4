import { render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { session } from "@/api/client";

import { RequireSession } from "./RequireSession";

function Where() {
  const location = useLocation();
  return <p>at {location.pathname}{location.search}</p>;
}

function renderAt(path: string) {
  const router = createMemoryRouter(
    [
      { path: "/sign-in", element: <Where /> },
      { path: "*", element: <RequireSession><p>the page</p></RequireSession> },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
}

describe("a page that needs a session", () => {
  it("sends a user whose session ended to sign in, remembering the page and its query", () => {
    session.expire();
    renderAt("/wells/w-1?range=90d");
    expect(screen.getByText(`at /sign-in?next=${encodeURIComponent("/wells/w-1?range=90d")}&expired=1`)).toBeInTheDocument();
  });

  it("shows the page to a signed-in user", async () => {
    const answer = new Response(JSON.stringify({ access_token: "a", refresh_token: "r", token_type: "bearer", expires_in: 60 }), { status: 200 });
    const original = globalThis.fetch;
    globalThis.fetch = async () => answer;
    try {
      await session.signIn("acme", "a@acme.test", "pw");
    } finally {
      globalThis.fetch = original;
    }
    renderAt("/alerts");
    expect(screen.getByText("the page")).toBeInTheDocument();
  });
});
