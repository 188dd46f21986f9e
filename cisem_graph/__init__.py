"""cisem-graph: a linked-data publisher for the social-economy network of the province of Cuneo."""

__version__ = "0.1.0"
