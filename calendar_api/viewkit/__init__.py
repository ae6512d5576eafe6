"""What every view uses: the OpenAPI pieces the endpoints share, caching headers, and the HTML
page renderer with its Content-Security-Policy. Below the views, above nothing they serve."""
