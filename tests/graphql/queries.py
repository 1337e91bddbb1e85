"""The design's example operations, verbatim (GraphQL Schemas section)."""

GET_DEALS_WITH_COMPLEX_FILTER = """
query GetDealsWithComplexFilter {
  deals(
    filter: {
      value: { gte: 10000, lte: 100000 }
      stage: { in: ["qualification", "proposal"] }
      expectedCloseDate: { gte: "2025-01-01", lte: "2025-03-31" }
      account: { industry: { eq: "Technology" } }
      contact: { email: { contains: "@enterprise.com" } }
    }
    sort: { field: VALUE, direction: DESC }
    pagination: { first: 20, after: "cursor123" }
  ) {
    edges {
      node {
        id
        title
        value
        stage
        expectedCloseDate
        contact {
          fullName
          email
          company
        }
        account {
          name
          industry
        }
        activities(first: 5) {
          edges {
            node {
              ... on Task {
                title
                dueDate
                isOverdue
              }
              ... on Event {
                title
                startTime
                duration
              }
            }
          }
        }
      }
      cursor
    }
    pageInfo {
      hasNextPage
      hasPreviousPage
      startCursor
      endCursor
    }
    totalCount
  }
}
"""

SALES_PERFORMANCE_REPORT = """
query SalesPerformanceReport {
  salesReport(
    filter: {
      period: { start: "2025-01-01", end: "2025-01-31" }
      userId: "user_123"
      pipelineIds: ["pipe_1", "pipe_2"]
    }
  ) {
    totalRevenue
    dealsClosed
    averageDealSize
    conversionRate
    topPerformers {
      user {
        id
        name
      }
      revenue
      dealsWon
    }
    pipelineBreakdown {
      pipeline {
        id
        name
      }
      stageMetrics {
        stage {
          name
          probability
        }
        dealCount
        totalValue
        averageTimeInStage
      }
    }
  }
}
"""

ACCOUNT_HIERARCHY_WITH_DEALS = """
query AccountHierarchyWithDeals($accountId: ID!) {
  account(id: $accountId) {
    id
    name
    hierarchy {
      parent {
        id
        name
        totalDealValue
      }
      children {
        id
        name
        contacts(first: 10) {
          edges {
            node {
              fullName
              jobTitle
              deals(filter: { status: ACTIVE }) {
                edges {
                  node {
                    title
                    value
                    stage
                    probability
                  }
                }
              }
            }
          }
        }
      }
    }
    deals(filter: { status: ACTIVE }) {
      edges {
        node {
          title
          value
          stage
          contact {
            fullName
          }
          nextActivity {
            ... on Task {
              title
              dueDate
            }
            ... on Event {
              title
              startTime
            }
          }
        }
      }
    }
  }
}
"""

DEAL_STAGE_UPDATES = """
subscription DealStageUpdates($pipelineId: ID!) {
  dealStageChanged(pipelineId: $pipelineId) {
    deal {
      id
      title
      value
      stage
      contact {
        fullName
      }
    }
    previousStage
    newStage
    changedBy {
      id
      name
    }
    timestamp
    reason
  }
}
"""

USER_ACTIVITY_NOTIFICATIONS = """
subscription UserActivityNotifications($userId: ID!) {
  newActivity(userId: $userId) {
    ... on Task {
      id
      title
      dueDate
      priority
      relatedTo {
        ... on Deal {
          title
          value
        }
        ... on Contact {
          fullName
        }
      }
    }
    ... on Event {
      id
      title
      startTime
      location
      attendees {
        name
      }
    }
  }
}
"""

LEAD_SCORING_UPDATES = """
subscription LeadScoringUpdates($leadId: ID!) {
  leadScoreChanged(leadId: $leadId) {
    lead {
      id
      fullName
      company
    }
    previousScore
    newScore
    scoringFactors {
      factor
      points
      reason
    }
    timestamp
  }
}
"""
