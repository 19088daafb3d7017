"""Files that travel: standard metadata other tools read, readers for other tools' images,
clean copies and exports (issue 16). Plain Python, no Qt; containers are spliced at the
chunk/segment level, pixels are never decoded or re-encoded here.
"""
