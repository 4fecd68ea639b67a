"""Pure linkage library: normalise, encode, compare, cluster, log primitives, keys.

Nothing in this package reads or writes files, sockets or databases; the node
and the hub do the I/O around it.
"""
