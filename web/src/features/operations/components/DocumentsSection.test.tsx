import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { contentTypeOf, sameOriginBlobUrl } from "../api/operations";
import { DocumentsSection } from "./DocumentsSection";

const doc = (status: string) => ({
  id: "d1", owner_kind: "well", owner_id: "w1", filename: "report.pdf", content_type: "application/pdf", size: 2048, status,
  scan_engine: null, scan_signature: null, created_by: "pat@example.com", created_at: "2026-11-20T15:00:00Z",
  download_url: status === "quarantined" ? null : "http://acme.localhost/api/v1/blobs/x?token=t",
});

describe("documents", () => {
  it("uploads straight to the upload target, has the API check it, then offers the download", async () => {
    let listed: unknown[] = [];
    const server = fakeServer({
      "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Bravo 1" }], total: 1, limit: 500, offset: 0, next_offset: null }),
      "GET /api/v1/documents": () => json(listed),
      "POST /api/v1/documents": () => json({ document: doc("pending"), upload: { method: "PUT", url: "/api/v1/blobs/upload-key", headers: { "Content-Type": "application/pdf" } } }, 201),
      "PUT /api/v1/blobs/upload-key": () => json({ size: 2048 }),
      "POST /api/v1/documents/:id/complete": () => {
        listed = [doc("unscanned")];
        return json(doc("unscanned"));
      },
    });
    renderPage(<DocumentsSection canWrite />);
    const ui = userEvent.setup();
    await ui.selectOptions(screen.getByLabelText("Documents' well"), await screen.findByRole("option", { name: "Bravo 1" }));
    expect(await screen.findByText("No documents yet.")).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Upload a document" });
    await ui.upload(within(form).getByLabelText("File"), new File(["%PDF-1.4"], "report.pdf", { type: "application/pdf" }));
    await ui.click(within(form).getByRole("button", { name: "Upload document" }));
    expect(await within(form).findByText("report.pdf uploaded (Unscanned).")).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: "report.pdf" })).toHaveAttribute("href", `${location.origin}/api/v1/blobs/x?token=t`);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual(expect.arrayContaining([
      "POST /api/v1/documents", "PUT /api/v1/blobs/upload-key", "POST /api/v1/documents/d1/complete",
    ]));
    const put = server.calls.find((c) => c.method === "PUT");
    expect(put?.headers.get("Authorization")).toBeNull();
    expect(server.calls.find((c) => c.path === "/api/v1/documents" && c.method === "POST")?.body).toEqual({
      owner_kind: "well", owner_id: "w1", filename: "report.pdf", content_type: "application/pdf", size: 8,
    });
  });

  it("shows a refused file at the file field", async () => {
    fakeServer({
      "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Bravo 1" }], total: 1, limit: 500, offset: 0, next_offset: null }),
      "GET /api/v1/documents": () => json([]),
      "POST /api/v1/documents": () => problem(422, "document_rejected", "size: larger than the 50 MB a PDF may be", { field: "size" }),
    });
    renderPage(<DocumentsSection canWrite />);
    const ui = userEvent.setup();
    await ui.selectOptions(screen.getByLabelText("Documents' well"), await screen.findByRole("option", { name: "Bravo 1" }));
    const form = await screen.findByRole("form", { name: "Upload a document" });
    await ui.upload(within(form).getByLabelText("File"), new File(["%PDF-1.4"], "huge.pdf", { type: "application/pdf" }));
    await ui.click(within(form).getByRole("button", { name: "Upload document" }));
    expect(await within(form).findByText("size: larger than the 50 MB a PDF may be")).toBeInTheDocument();
    expect(within(form).getByLabelText("File")).toHaveAttribute("aria-invalid", "true");
  });

  it("sends the local host's blob links to this page's origin and leaves cloud storage links alone", () => {
    expect(sameOriginBlobUrl("http://localhost:7071/api/v1/blobs/k?token=t", "http://acme.localhost:7071")).toBe("http://acme.localhost:7071/api/v1/blobs/k?token=t");
    expect(sameOriginBlobUrl("/api/v1/blobs/k?token=t", "http://acme.localhost:7071")).toBe("http://acme.localhost:7071/api/v1/blobs/k?token=t");
    const s3 = "https://bucket.s3.amazonaws.com/tenants/acme/doc.pdf?X-Amz-Signature=x";
    expect(sameOriginBlobUrl(s3, "https://acme.wellos.example")).toBe(s3);
  });

  it("names a file's type by its extension when the browser does not", () => {
    expect(contentTypeOf(new File(["x"], "scan.TIF"))).toBe("image/tiff");
    expect(contentTypeOf(new File(["x"], "notes.bin"))).toBe("application/octet-stream");
  });
});
