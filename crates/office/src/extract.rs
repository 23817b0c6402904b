//! Candidate matters found in the running text of a document: numbered items, the units and deadlines written with them.
