CLASS_NAMES = ["two\nlines"]
