"""Crime data: importing police.uk and force extracts, and finding what happened near a point."""
