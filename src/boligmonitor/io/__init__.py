"""Everything that touches files: readers, the column-mapping file, the processed store."""
