"""Documents of a case: notices, requests, certificates and the prosecutor's summary, as PDFs."""
