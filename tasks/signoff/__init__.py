"""From draft to signed report (审定/签发): the decision, the final copy (定稿), the figures it states
and whether the data still supports them."""
