"""Problem solving: one plan per problem (SARA and the National Decision Model in one form),
assessed from the data; powers used."""
