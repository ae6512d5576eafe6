"""The one seam to Google: the only package that imports Google's libraries or knows its URLs."""
