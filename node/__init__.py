"""The municipality side: import, encode, store encodings only, sync to the hub."""
