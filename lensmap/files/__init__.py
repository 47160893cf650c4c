"""Reading and checking the files a facilitator brings (pathways in each format, vignettes)
and the words for what is wrong with them."""
