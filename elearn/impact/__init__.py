"""Impact measure (financial well-being and literacy, before and after) and the funder's report."""
