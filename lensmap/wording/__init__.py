"""The words, symbols and safe text lensmap shows for everything, on screen and in exports."""
