"""What a lens event is made of: the pathway and its routes, personas, journeys and
tags, and the ranking of issues. The domain core: it never imports Textual."""
