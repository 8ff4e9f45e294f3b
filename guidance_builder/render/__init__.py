"""Stage 5: render the numbered document to HTML, PDF and JSON."""
