"""The central hub: receives encodings, links them, never holds a linkage key."""
