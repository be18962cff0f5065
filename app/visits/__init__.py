"""Home visits: the checklist model, its rules, the default template and the visit store."""
