"""zichtlijn: privacy-preserving linkage of control sightings across municipalities."""

__version__ = "0.1.0"
