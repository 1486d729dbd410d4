"""CSV and XLSX sheets, streamed row by row with bounded memory."""
