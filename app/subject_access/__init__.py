"""Subject access (Data Protection Act 2018, section 45): everything held about one data
subject, found by an admin and disclosed as one document, the disclosure audited."""
