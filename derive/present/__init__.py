"""What users see: the notation of expressions, the templates that lay out each result in
text, Markdown, LaTeX or JSON, pictures, line breaking and PDF.  Reads records; never solves."""
