"""Report documents rendered as PDF (fpdf2, pure Python, imported on first use)."""
