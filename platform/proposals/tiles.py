"""A district's proposals as vector tiles (`/d/<slug>/tiles/proposals/{z}/{x}/{y}.pbf`): the kit layer "proposals"
(`proposals.layers`) as tiles, so the rows are the reader's (`accounts.access.proposal_scope`) and the filters the
list's (commune, village, sector, status, source, plan_year, late, q)."""
from geo.tiles import from_layer, register
from proposals import layers


def register_tile_layers():
    """Put the proposals layer in `geo.tiles.REGISTRY` (called from ProposalsConfig.ready())."""
    register(from_layer(layers.proposals, maxzoom=20))
